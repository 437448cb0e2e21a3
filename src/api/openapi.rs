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
                        "detail": { "type": "string" }
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
            "responses": {
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
