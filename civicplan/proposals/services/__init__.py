"""Every write of the proposals app, by topic; callers import from here.

- `record`: the one way a proposal comes in (every channel), its history, the event.
- `residents`: what residents and other channels do: submit, support, comment, withdraw consent.
- `moderation`: what staff do: publish, reject, classify, correct, answer.
- `imports` and `personal_data` (imported by their callers): file imports as jobs, and the
  export and erasure of authors' personal data (152-FZ).
"""

from civicplan.proposals.services.moderation import (
    comment_moderate,
    moderator_check,
    personal_data_read,
    proposal_answer,
    proposal_classify,
    proposal_mark_duplicate,
    proposal_publish,
    proposal_redact,
    proposal_reject,
    proposal_status_set,
    proposal_text_correct,
)
from civicplan.proposals.services.record import (
    BATCH,
    AuthorData,
    ProposalInput,
    StatusStep,
    proposal_record,
    proposals_record,
    tracking_code_new,
)
from civicplan.proposals.services.residents import (
    ANSWER_STATUSES,
    ATTACHMENT_MAX_BYTES,
    COMMENT_MAX,
    COMPLAINTS_TO_HIDE,
    DUPLICATE_WINDOW,
    MAX_ATTACHMENTS,
    MODERATOR_ROLES,
    TRANSITIONS,
    author_data_clean,
    comment_add,
    comment_complain,
    direction_resolve,
    municipality_resolve,
    proposal_consent_withdraw,
    proposal_submit,
    support_add,
    support_remove,
)

__all__ = [
    "ANSWER_STATUSES",
    "ATTACHMENT_MAX_BYTES",
    "AuthorData",
    "BATCH",
    "COMMENT_MAX",
    "COMPLAINTS_TO_HIDE",
    "DUPLICATE_WINDOW",
    "MAX_ATTACHMENTS",
    "MODERATOR_ROLES",
    "ProposalInput",
    "StatusStep",
    "TRANSITIONS",
    "author_data_clean",
    "comment_add",
    "comment_complain",
    "comment_moderate",
    "direction_resolve",
    "moderator_check",
    "municipality_resolve",
    "personal_data_read",
    "proposal_answer",
    "proposal_classify",
    "proposal_consent_withdraw",
    "proposal_mark_duplicate",
    "proposal_publish",
    "proposal_record",
    "proposal_redact",
    "proposal_reject",
    "proposal_status_set",
    "proposal_submit",
    "proposal_text_correct",
    "proposals_record",
    "support_add",
    "support_remove",
    "tracking_code_new",
]
