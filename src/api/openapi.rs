//! The OpenAPI 3.1 description of /api/v1. A test compares it with the mounted routes, so a
//! route cannot be added without being described.

use rocket::serde::json::{Value, json};

pub fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Courtside API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "JSON API of a Courtside tennis-club hub. Authenticate with `Authorization: Bearer <token>`; \
                            an owner or manager issues tokens per staff user (Staff page, or `courtside token create`). \
                            Errors are application/problem+json (RFC 9457)."
        },
        "servers": [{ "url": "/api/v1" }],
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "Problem": {
                    "type": "object",
                    "properties": {
                        "type": { "type": "string" },
                        "title": { "type": "string" },
                        "status": { "type": "integer" },
                        "detail": { "type": "string" },
                        "code": { "type": ["string", "null"] },
                        "field": { "type": ["string", "null"] }
                    }
                },
                "Court": {
                    "type": "object",
                    "properties": {
                        "id": { "type": "string", "format": "uuid", "readOnly": true },
                        "name": { "type": "string", "maxLength": 40 },
                        "surface": { "type": "string", "enum": ["hard", "clay", "grass", "carpet", "artificial_grass"] },
                        "indoor": { "type": "boolean" },
                        "floodlights": { "type": "boolean" },
                        "group": { "type": "string", "maxLength": 40 },
                        "display_order": { "type": "integer", "minimum": 0, "maximum": 999 },
                        "active": { "type": "boolean" }
                    }
                },
                "Me": {
                    "type": "object",
                    "required": ["id", "username", "display_name", "role"],
                    "properties": {
                        "id": { "type": "string", "format": "uuid" },
                        "username": { "type": "string" },
                        "display_name": { "type": "string" },
                        "role": { "type": "string", "enum": ["owner", "manager", "reception", "coach"] },
                        "locale": { "type": ["string", "null"], "enum": ["en", "ru", null] }
                    }
                }
            },
            "parameters": {
                "IdempotencyKey": {
                    "name": "Idempotency-Key", "in": "header", "required": false,
                    "description": "Any text (or a UUID). A retried request with the same key returns the first result instead of acting twice.",
                    "schema": { "type": "string" }
                }
            },
            "responses": {
                "Problem": {
                    "description": "Refused: 403 role, 404 unknown id, 409 already taken (e.g. a court name), 422 invalid field (`field` names it).",
                    "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } }
                },
                "Unauthorized": {
                    "description": "Missing, revoked or unknown token.",
                    "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } }
                }
            }
        },
        "security": [{ "bearer": [] }],
        "paths": {
            "/me": {
                "get": {
                    "summary": "The staff user the token belongs to",
                    "operationId": "getMe",
                    "responses": {
                        "200": { "description": "The user", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Me" } } } },
                        "401": { "$ref": "#/components/responses/Unauthorized" }
                    }
                }
            },
            "/courts": {
                "get": {
                    "summary": "All courts in display order",
                    "operationId": "listCourts",
                    "responses": {
                        "200": { "description": "Courts", "content": { "application/json": { "schema": {
                            "type": "object", "properties": { "courts": { "type": "array", "items": { "$ref": "#/components/schemas/Court" } } } } } } },
                        "401": { "$ref": "#/components/responses/Unauthorized" }
                    }
                },
                "post": {
                    "summary": "Add a court (manager or owner)",
                    "operationId": "createCourt",
                    "parameters": [{ "$ref": "#/components/parameters/IdempotencyKey" }],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Court" }, "example": { "name": "Court 1", "surface": "clay" } } } },
                    "responses": {
                        "201": { "description": "Created", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Court" } } } },
                        "401": { "$ref": "#/components/responses/Unauthorized" },
                        "403": { "$ref": "#/components/responses/Problem" },
                        "409": { "$ref": "#/components/responses/Problem" },
                        "422": { "$ref": "#/components/responses/Problem" }
                    }
                }
            },
            "/courts/{id}": {
                "patch": {
                    "summary": "Change a court (manager or owner); fields left out keep their value",
                    "operationId": "updateCourt",
                    "parameters": [
                        { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                        { "$ref": "#/components/parameters/IdempotencyKey" }
                    ],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Court" } } } },
                    "responses": {
                        "200": { "description": "The court as saved", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Court" } } } },
                        "401": { "$ref": "#/components/responses/Unauthorized" },
                        "403": { "$ref": "#/components/responses/Problem" },
                        "404": { "$ref": "#/components/responses/Problem" },
                        "409": { "$ref": "#/components/responses/Problem" },
                        "422": { "$ref": "#/components/responses/Problem" }
                    }
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "getOpenApi",
                    "security": [],
                    "responses": { "200": { "description": "The OpenAPI document", "content": { "application/json": {} } } }
                }
            }
        }
    })
}

/// (METHOD, path) pairs in `doc`.
pub fn described(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, ops) in paths {
            for method in ops.as_object().into_iter().flat_map(|o| o.keys()) {
                out.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}
