"""/docs: the OpenAPI schema as a plain page, readable offline and without JavaScript.

FastAPI's Swagger UI loads its scripts from a CDN, which a self-hosted install may not reach
and which our Content-Security-Policy forbids.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..deps import WebDep

router = APIRouter(include_in_schema=False)


def _schema_name(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"list of {_schema_name(schema.get('items'))}"
    if "anyOf" in schema:
        return " or ".join(_schema_name(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(map(str, schema["enum"]))
    return str(schema.get("type", ""))


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": _schema_name(p.get("schema")),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": _schema_name(body.get("schema")),
                    "responses": [
                        (
                            code,
                            r.get("description", ""),
                            _schema_name(
                                r.get("content", {}).get("application/json", {}).get("schema")
                            ),
                        )
                        for code, r in op.get("responses", {}).items()
                    ],
                }
            )
    return found


def models(spec: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        out.append(
            {
                "name": name,
                "fields": [
                    (field, _schema_name(s), field in required, s.get("description", ""))
                    for field, s in schema.get("properties", {}).items()
                ],
            }
        )
    return out


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request, web: WebDep) -> HTMLResponse:
    spec = request.app.openapi()
    html = web.pages.render(
        "docs.html",
        request,
        info=spec.get("info", {}),
        operations=operations(spec),
        models=models(spec),
    )
    return HTMLResponse(html)
