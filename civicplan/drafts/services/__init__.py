"""Every write of the drafts app, by topic; callers import from here.

- `documents`: the draft, its versions, sections and paragraphs, publishing.
- `comments`: comments and amendments, supports, moderation.
- `decisions`: the drafting group's answers (one by one, a group of similar comments at
  once), grouping by the similarity service, links from a changed paragraph to the comments
  it answers.
The DOCX importer (`civicplan.drafts.importing`) builds a `DocumentInput` and hands it to
`version_create_from_document`.
"""

from civicplan.drafts.services.comments import (
    MODERATOR_ROLES,
    CommentInput,
    comment_moderate,
    comment_submit,
    comment_support,
    date_ru,
    fate_url,
    moderator_check,
    moderator_scope_allows,
    paragraph_accepts_comments,
    passage_locate,
    personal_data_read,
)
from civicplan.drafts.services.decisions import (
    comment_decide,
    comment_ungroup,
    comments_decide,
    draft_can_answer,
    draft_require_answerer,
    group_decide,
    paragraph_answers_set,
    version_comments_group,
)
from civicplan.drafts.services.documents import (
    DocumentInput,
    ParagraphInput,
    SectionInput,
    discussion_phase,
    draft_create,
    html_sanitise,
    paragraph_delete,
    paragraph_edit,
    paragraph_links_set,
    section_edit,
    version_create_from_document,
    version_create_next,
    version_delete,
    version_publish,
    versions_close_expired,
)

__all__ = [
    "MODERATOR_ROLES",
    "CommentInput",
    "DocumentInput",
    "ParagraphInput",
    "SectionInput",
    "comment_decide",
    "comment_moderate",
    "comment_submit",
    "comment_support",
    "comment_ungroup",
    "comments_decide",
    "date_ru",
    "discussion_phase",
    "draft_can_answer",
    "draft_create",
    "draft_require_answerer",
    "fate_url",
    "group_decide",
    "html_sanitise",
    "moderator_check",
    "moderator_scope_allows",
    "paragraph_accepts_comments",
    "paragraph_answers_set",
    "paragraph_delete",
    "paragraph_edit",
    "paragraph_links_set",
    "passage_locate",
    "personal_data_read",
    "section_edit",
    "version_comments_group",
    "version_create_from_document",
    "version_create_next",
    "version_delete",
    "version_publish",
    "versions_close_expired",
]
