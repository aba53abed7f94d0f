"""Question answering over the corpus: `ask` (one question; the chat REPL on top of it is agent/cli/chat.py).

    from agent.qa import ask
    answer = ask("Which papers evaluate on KITTI?", settings)   # -> agent.qa.types.Answer
    answer.answer, answer.citations, answer.sources, answer.insufficient, answer.to_json()

Modules: router (local question routing), tools (search / claims / get / compare), local (the
local engine's extractive answers), agent_llm (LangChain tool-calling agent), answer_grounding (the
check every answer passes), answer (finalising), service (`ask`).
Importing this package is cheap; heavy libraries load when a question is asked.
"""

from agent.qa.service import Conversation, ask
from agent.qa.types import Answer, Citation, Source

__all__ = ["ask", "Answer", "Citation", "Source", "Conversation"]
