"""The closed set of warning codes, each with what it tells a reviewer: the one table of them."""

from __future__ import annotations

from typing import Literal

WarningCode = Literal[
    "title_inferred",
    "no_project_found",
    "one_project_from_titled_blocks",
    "partner_count_without_partners",
    "partner_list_doubtful",
    "misplaced_heading",
    "pasted_description",
    "partner_heading_without_list",
    "partner_heading_empty",
    "role_not_stated",
    "role_category_unknown",
    "work_package_unparsed",
    "unassigned_text",
    "correction_stale",
    "legacy_encoding",
    "invalid_utf8",
    "encoding_guessed",
    "image_only_pages",
    "control_characters",
    "checked_project_changed",
]

WARNING_MEANINGS: dict[WarningCode, str] = {
    "title_inferred": "the section had no title line; the title was inferred",
    "no_project_found": "the document has text but no project was found in it",
    "one_project_from_titled_blocks": "a page was read as one project although it holds several "
    "titled blocks",
    "partner_count_without_partners": "the text states a number of partners but none was read",
    "partner_list_doubtful": "half or more of the entries under a partner heading do not read as "
    "organisations",
    "misplaced_heading": "a 'Role of ...' heading stands above a paragraph that is not about the "
    "organisation",
    "pasted_description": "the text under a partner heading repeats the description",
    "partner_heading_without_list": "a partner heading is followed by prose, not a list",
    "partner_heading_empty": "a partner heading has nothing under it",
    "role_not_stated": "a role heading has nothing under it",
    "role_category_unknown": "a role the rules could not put in a category",
    "work_package_unparsed": "a work package the rules could not read",
    "unassigned_text": "text that belongs to no project",
    "correction_stale": "a reviewer's correction no longer applies",
    "legacy_encoding": "the file was read in a legacy single-byte encoding",
    "invalid_utf8": "the file is not valid UTF-8; bad bytes were replaced",
    "encoding_guessed": "the file has no byte-order mark; its encoding was guessed",
    "image_only_pages": "some PDF pages have no text layer and need OCR",
    "control_characters": "control characters in the text were read as spaces",
    "checked_project_changed": "a project a reviewer checked has changed since; look again",
}
