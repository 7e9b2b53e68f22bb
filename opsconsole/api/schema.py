"""The OpenAPI schema documents every answer an operation can give, refusals included, so a client (and
schemathesis) can check each one against it."""
from drf_spectacular.openapi import AutoSchema

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# A field's messages, a list field's per-item messages, or "detail" for a body that is not JSON.
REFUSAL = {
    "type": "object",
    "additionalProperties": {"anyOf": [
        {"type": "array", "items": {"type": "string"}}, {"type": "object"}, {"type": "string"}]},
}


def _error(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


class ConsoleSchema(AutoSchema):
    def _get_response_bodies(self, direction="response") -> dict:
        responses = super()._get_response_bodies(direction)
        refusals = {
            "400": _error("The request was refused; each field with its messages.", REFUSAL),
            "401": _error("No valid API token (or session) was sent.", ERROR),
            "403": _error("The caller's role may not do this.", ERROR),
        }
        if "{" in self.path:
            refusals["404"] = _error("No such object, or not one of the caller's own.", ERROR)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            refusals["409"] = _error("The change conflicts with the current state; the message says how.", ERROR)
        if getattr(self.view, "action", None) in getattr(self.view, "rate_limited_actions", ()):
            refusals["429"] = _error("Too many of these from the caller or its address in the last hour.", ERROR)
        return {**refusals, **responses}
