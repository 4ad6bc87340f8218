-- A short description (at most 100 characters, shown in lists) and a full one in
-- Markdown (rendered sanitized).
ALTER TABLE repositories ADD COLUMN short_description TEXT NOT NULL DEFAULT '';
ALTER TABLE repositories ADD COLUMN description TEXT NOT NULL DEFAULT '';
