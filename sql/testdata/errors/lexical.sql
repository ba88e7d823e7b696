-- Keywords, semicolons, quotes, comment markers and newlines inside a
-- string literal do not end it; an unterminated one is reported where it
-- starts (and stops the file, since nothing after it can be split).
-- ERROR 8:37: string literal is not terminated (missing ')
CREATE TABLE bid (auction BIGINT, url VARCHAR) WITH ('connector' = 'nexmark');
SELECT auction FROM bid WHERE url = 'it''s; -- not a comment
and SELECT not the end */';
SELECT auction FROM bid WHERE url = 'never closed;
SELECT 1;
