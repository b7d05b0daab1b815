ALTER TABLE sample.widgets ADD COLUMN colour text NOT NULL DEFAULT 'grey';
