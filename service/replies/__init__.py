"""De-escalating reply suggestions from the playbook in data/replies/."""

from service.replies.suggester import ReplySuggester, SuggestedReply, variables_from
from service.replies.templates import (
    RISK_LEVELS,
    STEPS,
    VARIABLES,
    Playbook,
    Template,
    TemplateError,
    load_playbook,
)

__all__ = [
    "RISK_LEVELS",
    "STEPS",
    "VARIABLES",
    "Playbook",
    "ReplySuggester",
    "SuggestedReply",
    "Template",
    "TemplateError",
    "load_playbook",
    "variables_from",
]
