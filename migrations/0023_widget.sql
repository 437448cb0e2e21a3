-- The booking widget for the club's own web site: on or off, and the sites allowed to embed it
-- (one origin per line, e.g. https://club.example.ru): CORS and the iframe's frame-ancestors
-- follow this list.
ALTER TABLE portal_settings ADD COLUMN widget INTEGER NOT NULL DEFAULT 0;
ALTER TABLE portal_settings ADD COLUMN widget_origins TEXT NOT NULL DEFAULT '';
