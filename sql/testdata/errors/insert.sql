CREATE TABLE bid (auction BIGINT, price BIGINT, url VARCHAR) WITH ('connector' = 'nexmark');
CREATE TABLE sink (auction INT, price DECIMAL(10, 2), url VARCHAR NOT NULL) WITH ('connector' = 'blackhole');
INSERT INTO sink SELECT auction, price, url FROM bid;
-- ERROR 3:25: cannot insert BIGINT into column auction INT of table sink
-- ERROR 3:34: cannot insert BIGINT into column price DECIMAL(10, 2) of table sink
INSERT INTO sink SELECT url FROM bid;
-- ERROR 6:13: INSERT INTO sink has 3 target column(s) but the query produces 1
INSERT INTO sink (auction, nope) SELECT 1, 2 FROM bid;
-- ERROR 8:28: column nope not found in table sink
INSERT INTO sink (auction) SELECT 1 FROM bid;
-- ERROR 10:13: column url of table sink is NOT NULL and must be in the column list
INSERT INTO sink VALUES (1, 2, 'x');
-- ERROR 12:18: INSERT ... VALUES is not supported: a streaming INSERT reads from a SELECT
CREATE VIEW v AS SELECT auction, auction FROM bid;
-- ERROR 14:34: duplicate column name auction in view v: give it an alias
INSERT INTO bid SELECT auction, price, url FROM v;
