-- Computed once at push time, so tag lists of any length are one query:
-- image_size: compressed bytes of the image (config + layers; for an index, its
--             platforms' images); platform: "os/arch" or a list for an index.
ALTER TABLE manifests ADD COLUMN image_size BIGINT;
ALTER TABLE manifests ADD COLUMN platform TEXT;
