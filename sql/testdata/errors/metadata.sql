CREATE TABLE a (off BIGINT METADATA FROM offset) WITH ('connector' = 'kafka');
-- ERROR 1:42: expected a quoted metadata key after METADATA FROM, as in METADATA FROM 'offset', found offset
CREATE TABLE b (off BIGINT VIRTUAL) WITH ('connector' = 'kafka');
-- ERROR 3:28: VIRTUAL is only allowed after METADATA, as in off BIGINT METADATA FROM 'offset' VIRTUAL
CREATE TABLE c (
  off BIGINT METADATA FROM 'offset' VIRTUAL,
  off2 BIGINT METADATA FROM 'offset'
) WITH ('connector' = 'kafka');
-- ERROR 7:29: metadata key 'offset' of column off2 is already read into column off: a key can be declared only once per table
CREATE TABLE events (
  v STRING,
  part INT METADATA FROM 'partition' VIRTUAL,
  ts TIMESTAMP(3) METADATA FROM 'timestamp' VIRTUAL,
  WATERMARK FOR ts AS ts
) WITH ('connector' = 'kafka');
CREATE TABLE sink (
  v STRING,
  off BIGINT METADATA FROM 'offset' VIRTUAL,
  ts TIMESTAMP(3) METADATA FROM 'timestamp'
) WITH ('connector' = 'kafka');
INSERT INTO sink (v, off) SELECT v, 1 FROM events;
-- ERROR 21:22: column off of table sink is a VIRTUAL metadata column and cannot be written
INSERT INTO sink SELECT v, part, ts FROM events;
-- ERROR 23:13: INSERT INTO sink has 2 target column(s) (its VIRTUAL metadata columns are not written) but the query produces 3
INSERT INTO sink SELECT v, ts FROM events;
SELECT a.off FROM a;
SELECT * FROM c;
