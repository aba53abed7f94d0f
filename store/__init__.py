"""Everything that touches disk: parsers of input pages, the SQLite store of record, the Chroma index.

Only this package imports sqlite3 or chromadb, or writes under PAPERS_HOME.
"""
