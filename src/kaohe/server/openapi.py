"""The OpenAPI 3.1 document of the JSON API of ``kaohe serve`` (served at ``/openapi.json``)."""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

_NUMBER_OR_NULL = {"type": ["number", "null"]}
_INT_OR_NULL = {"type": ["integer", "null"]}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_TEXTS = {"type": "array", "items": {"type": "string"}}


def _entity(owner: str, description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "required": ["id", "name", "score", "rank", "grade", "grade_reason", "flags"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            owner: {"type": "string"} if owner == "category" else _TEXT_OR_NULL,
            "score": _NUMBER_OR_NULL,
            "rank": _INT_OR_NULL,
            "grade": _TEXT_OR_NULL,
            "grade_reason": {
                "type": "string",
                "description": "score, quota, or the governing effect",
            },
            "flags": _TEXTS,
        },
    }


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json(ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


UNAUTHORIZED = {"401": {"$ref": "#/components/responses/Unauthorized"}}


def document() -> dict[str, Any]:
    """The OpenAPI document: every path of the JSON API, its answers and its errors."""
    change = {
        "type": "object",
        "required": ["kind", "id", "name", "grade_before", "grade_after", "why"],
        "properties": {
            "kind": {"type": "string", "enum": ["unit", "cadre"]},
            "id": {"type": "string"},
            "name": {"type": "string"},
            "grade_before": {"type": "string"},
            "grade_after": {"type": "string"},
            "score_before": _NUMBER_OR_NULL,
            "score_after": _NUMBER_OR_NULL,
            "rank_before": _INT_OR_NULL,
            "rank_after": _INT_OR_NULL,
            "why": {
                "type": "string",
                "description": "the grade line of the derivation under the variant",
            },
        },
    }
    moves = {
        "type": "object",
        "additionalProperties": {"type": "integer"},
        "description": "score_up, score_down, rank_up, rank_down, grade_changed, flags_changed",
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "kaohe serve",
            "version": version("kaohe"),
            "description": (
                "Read-only results of one assessment scheme scored on one dataset, "
                "the derivation of any unit's or cadre's result, and what-ifs with "
                "parameter overrides. When the server has a token, every request "
                "must carry it: Authorization: Bearer TOKEN."
            ),
        },
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "responses": {"Unauthorized": _error("no token, or a wrong one")},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {
                        "error": {"type": "integer", "description": "the HTTP status"},
                        "message": {"type": "string", "description": "what is wrong"},
                    },
                },
                "Unit": _entity("category", "a unit's published result"),
                "Cadre": _entity("unit_id", "a cadre's published result"),
                "Results": {
                    "type": "object",
                    "required": ["summary", "units", "cadres"],
                    "properties": {
                        "summary": {"type": "object"},
                        "units": {"type": "array", "items": {"$ref": "#/components/schemas/Unit"}},
                        "cadres": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Cadre"},
                        },
                    },
                },
                "Explanation": {
                    "type": "object",
                    "required": ["entity", "id", "name", "sections", "score", "adds_up"],
                    "properties": {
                        "entity": {"type": "string", "enum": ["unit", "cadre"]},
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "sections": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {"title": {"type": "string"}, "lines": _TEXTS},
                            },
                        },
                        "rows": {"type": "array", "items": {"type": "object"}},
                        "base": {"type": "string"},
                        "total": {"type": "string"},
                        "score": {"type": "string"},
                        "adds_up": {"type": "boolean"},
                        "text": {"type": "string", "description": "as kaohe explain prints it"},
                    },
                },
                "Parameter": {
                    "type": "object",
                    "properties": {
                        "path": {"type": "string"},
                        "value": {"type": "number"},
                        "low": _NUMBER_OR_NULL,
                        "high": _NUMBER_OR_NULL,
                        "rule": {"type": "string"},
                        "rule_title": {"type": "string"},
                        "doc": {"type": "string"},
                    },
                },
                "WhatIf": {
                    "type": "object",
                    "properties": {
                        "set": {
                            "type": "object",
                            "additionalProperties": {},
                            "description": "parameter path -> new value",
                            "examples": [{"satisfaction.weight.乡镇": 0.35}],
                        },
                        "off": {**_TEXTS, "description": "rules switched off"},
                        "on": {**_TEXTS, "description": "rules switched on"},
                    },
                },
                "WhatIfResult": {
                    "type": "object",
                    "required": ["scenario", "overrides", "summary", "changes"],
                    "properties": {
                        "scenario": {"type": "string"},
                        "overrides": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "path": {"type": "string"},
                                    "before": _NUMBER_OR_NULL,
                                    "after": {},
                                },
                            },
                        },
                        "off": _TEXTS,
                        "on": _TEXTS,
                        "summary": {
                            "type": "object",
                            "properties": {"units": moves, "cadres": moves},
                        },
                        "changes": {"type": "array", "items": change},
                    },
                },
            },
        },
        "security": [{"token": []}, {}],
        "paths": {
            "/api/results": {
                "get": {
                    "summary": "every unit's and cadre's published result",
                    "responses": {"200": _json("Results", "the results"), **UNAUTHORIZED},
                }
            },
            "/api/explain/{id}": {
                "get": {
                    "summary": "the derivation of one unit's or cadre's result",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                            "description": "a unit_id or cadre_id (unit:ID or cadre:ID when both)",
                        }
                    ],
                    "responses": {
                        "200": _json("Explanation", "the derivation"),
                        "404": _error("no unit or cadre has this id (closest ids named)"),
                        **UNAUTHORIZED,
                    },
                }
            },
            "/api/parameters": {
                "get": {
                    "summary": "the numbers a what-if may set, with their values and bounds",
                    "responses": {
                        "200": {
                            "description": "the parameters",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Parameter"},
                                    }
                                }
                            },
                        },
                        **UNAUTHORIZED,
                    },
                }
            },
            "/api/whatif": {
                "post": {
                    "summary": "who changes grade, and why, with parameters set or rules off/on",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/WhatIf"}}
                        },
                    },
                    "responses": {
                        "200": _json("WhatIfResult", "the comparison with the baseline"),
                        "400": _error("not JSON, or a wrong path (closest paths named) or value"),
                        **UNAUTHORIZED,
                    },
                }
            },
        },
    }
