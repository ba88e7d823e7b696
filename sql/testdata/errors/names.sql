CREATE TABLE bid (auction BIGINT, price BIGINT, url VARCHAR) WITH ('connector' = 'nexmark');
SELECT auction, nope FROM bid;
-- ERROR 2:17: column nope not found in bid
SELECT b.price FROM bid AS x;
-- ERROR 4:8: unknown table or alias b in b.price
SELECT * FROM missing;
-- ERROR 6:15: table missing not found
INSERT INTO missing SELECT * FROM bid;
-- ERROR 8:13: table missing not found
CREATE TABLE BID (x INT) WITH ('connector' = 'blackhole');
-- ERROR 10:14: BID is already defined at names.sql:1:1
SELECT z.* FROM bid;
-- ERROR 12:8: unknown table z in z.*
