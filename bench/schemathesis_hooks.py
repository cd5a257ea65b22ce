"""Schemathesis hooks for bench/schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

A request that is valid by the document can still be refused with 422 for a reason no schema can
state: a unit code that does not exist, a name already taken, a date before today. The run lets
positive requests be answered 422 (bench/schemathesis.toml), and this check holds that allowance
narrow: the refusal must name only fields listed here for its operation, each with its reason.
Any other 422 to a schema-valid request is a failure, as schemathesis's own check would call it.
"""

import calendar

import schemathesis

UNIT = "a unit code must name an existing unit"
PROJECT = "a project id must name a project the caller may see"
TAKEN = "the name is already taken"
CONTENT = "the file's content (a real spreadsheet, an accepted file type) is not in the schema"



def february_29_of_a_common_year(body):
    """The one calendar rule the meeting time's pattern leaves out (it knows month lengths)."""
    value = str(body.get("starts_at", ""))
    year = value[:4]
    return value[5:10] == "02-29" and year.isdigit() and not calendar.isleap(int(year))


# Operation → field → why its schema-valid value may still be refused, or (why, a test of the
# request body that the refusal must pass). `None` for a file upload: its row problems may name
# any column of the sheet.
DATA_DEPENDENT = {
    "POST /api/v1/units": {"code": TAKEN, "name": TAKEN},
    "POST /api/v1/projects": {"name": TAKEN, "lead_unit": UNIT, "member_units": UNIT},
    "POST /api/v1/projects/{id}/items": {"responsible_unit": UNIT},
    "PATCH /api/v1/items/{id}": {
        "responsible_unit": UNIT,
        "deadline_reason": "a reason is needed only when the deadline differs from the current one",
    },
    "POST /api/v1/meetings": {
        "projects": PROJECT,
        "units": UNIT,
        "starts_at": ("29 February of a common year", february_29_of_a_common_year),
    },
    "POST /api/v1/meetings/{id}/decisions": {
        "project_id": "the project must be on the meeting's agenda",
        "responsible_unit": UNIT,
    },
    "POST /api/v1/requests/{id}/accept": {"responsible_unit": UNIT},
    "POST /api/v1/webhooks": {"unit": UNIT},
    "POST /api/v1/projects/{id}/requests": {"wished_date": "the wished date may not be before the county's today"},
    "POST /api/v1/items/{id}/attachments": {"file": CONTENT},
    "POST /api/v1/projects/import": None,
    "POST /api/v1/projects/{id}/items/import": None,
}


@schemathesis.check
def refusal_names_only_data_dependent_fields(ctx, response, case):
    """A schema-valid request refused with 422 names only fields whose rule depends on data."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    label = f"{case.method.upper()} {case.path}"
    if label not in DATA_DEPENDENT:
        raise AssertionError(f"{label} refused a schema-valid request: {response.text}")
    body = response.json()
    named = set(body.get("fields") or {}) | {e.get("field") for e in body.get("errors") or []}
    allowed = DATA_DEPENDENT[label]
    if not named:
        raise AssertionError(f"{label} refused a schema-valid request without naming a field: {response.text}")
    if allowed is None:
        return None
    body = case.body if isinstance(case.body, dict) else {}
    unexplained = [
        field
        for field in named
        if field not in allowed or (isinstance(allowed[field], tuple) and not allowed[field][1](body))
    ]
    if unexplained:
        raise AssertionError(
            f"{label} refused a schema-valid request over {sorted(unexplained)}, "
            f"whose rules the schema states: {response.text}"
        )
    return None
