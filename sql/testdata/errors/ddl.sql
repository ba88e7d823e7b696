CREATE TABLE a (x BIGINT) WITH ('format' = 'json');
-- ERROR 1:1: table a has no 'connector' option
CREATE TABLE b (x BIGINT);
-- ERROR 3:1: CREATE TABLE b needs a WITH ('connector' = '...') clause
CREATE TABLE c (
  x ARRAY<INT>,
  y TIMESTAMP(9),
  z WIBBLE
) WITH ('connector' = 'file');
-- ERROR 6:5: type ARRAY is not supported yet
-- ERROR 7:15: TIMESTAMP(9) is not supported: timestamps are kept in milliseconds, use TIMESTAMP(3)
-- ERROR 8:5: unknown type WIBBLE
CREATE TABLE d (x BIGINT, ts TIMESTAMP(3), WATERMARK FOR nope AS ts) WITH ('connector' = 'file');
-- ERROR 13:58: watermark column nope not found in table d
CREATE TABLE e (x BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS x + 1) WITH ('connector' = 'file');
-- ERROR 15:64: WATERMARK expression must be TIMESTAMP(3), got BIGINT
CREATE TABLE f (x BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '4' YEAR) WITH ('connector' = 'file');
-- ERROR 17:82: year-month intervals are not supported yet: use DAY, HOUR, MINUTE or SECOND
CREATE TABLE g (x BIGINT, x INT) WITH ('connector' = 'file', 'connector' = 'kafka');
-- ERROR 19:62: option connector is given twice
CREATE TABLE h (x BIGINT) WITH ('connector' = 'file') PARTITIONED BY (x);
-- ERROR 21:55: PARTITIONED BY is not supported yet
CREATE TABLE i (x BIGINT, x INT) WITH ('connector' = 'file');
-- ERROR 23:27: column x is defined twice
CREATE TABLE j (x DECIMAL(40, 2), y DECIMAL(5, 6)) WITH (connector = 'file');
-- ERROR 25:27: DECIMAL precision must be between 1 and 38, got 40
-- ERROR 25:48: DECIMAL scale 6 is larger than its precision 5
CREATE TABLE k (x BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - ) WITH ('connector' = 'file');
-- ERROR 28:69: syntax error at ")"
SELECT * FROM c;
SET;
-- ERROR 31:4: expected SET 'key' = 'value'
