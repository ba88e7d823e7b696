CREATE TABLE bid (auction BIGINT, price BIGINT, url VARCHAR, ts TIMESTAMP(3), d DATE) WITH ('connector' = 'nexmark');
SELECT auction + url FROM bid;
-- ERROR 2:16: operator + cannot be applied to BIGINT and VARCHAR
SELECT LOWER(price) FROM bid;
-- ERROR 4:8: cannot apply LOWER(BIGINT): expected LOWER(VARCHAR)
SELECT SUBSTRING(url) FROM bid;
-- ERROR 6:21: syntax error at ")"
SELECT NO_SUCH_FN(url) FROM bid;
-- ERROR 8:8: unknown function NO_SUCH_FN
SELECT auction FROM bid WHERE price;
-- ERROR 10:31: WHERE condition must be BOOLEAN, got BIGINT
SELECT auction FROM bid WHERE url > 3;
-- ERROR 12:35: cannot compare VARCHAR and INT with >
SELECT auction FROM bid WHERE ts > 'not a time';
-- ERROR 14:36: invalid TIMESTAMP literal 'not a time': expected yyyy-MM-dd HH:mm:ss[.SSS]
SELECT CAST(url AS TIMESTAMP(6)) FROM bid;
-- ERROR 16:30: TIMESTAMP(6) is not supported: timestamps are kept in milliseconds, use TIMESTAMP(3)
SELECT CAST(ts AS BOOLEAN) FROM bid;
-- ERROR 18:8: cannot CAST TIMESTAMP(3) to BOOLEAN
SELECT REGEXP_EXTRACT(url, '(unclosed', 1) FROM bid;
-- ERROR 20:28: invalid regular expression in REGEXP_EXTRACT: missing closing ): `(unclosed`
SELECT d + INTERVAL '1' DAY FROM bid;
-- ERROR 22:10: operator + cannot be applied to DATE and INTERVAL: CAST the DATE to TIMESTAMP(3) first
SELECT auction FROM bid WHERE url LIKE 5;
-- ERROR 24:35: LIKE needs VARCHAR operands, got VARCHAR LIKE INT
SELECT CASE WHEN price > 1 THEN url ELSE price END FROM bid;
-- ERROR 26:42: CASE results have incompatible types VARCHAR and BIGINT
SELECT auction FROM bid WHERE NOT url;
-- ERROR 28:31: NOT needs BOOLEAN operands, got VARCHAR
SELECT EXTRACT(FORTNIGHT FROM ts) FROM bid;
-- ERROR 30:16: unknown EXTRACT unit FORTNIGHT: use YEAR, QUARTER, MONTH, WEEK, DAY, DOY, DOW, HOUR, MINUTE, SECOND, MILLISECOND or EPOCH
SELECT NULL FROM bid;
-- ERROR 32:8: the type of NULL column EXPR$0 is unknown: use CAST(NULL AS type)
SELECT SUBSTRING(url, 'x') FROM bid;
-- ERROR 34:8: cannot apply SUBSTRING(VARCHAR, VARCHAR): expected SUBSTRING(VARCHAR, INT, [INT])
SELECT CONCAT(url, 1), ABS(url), ROUND(url, 1), FLOOR(url) FROM bid;
-- ERROR 36:8: cannot apply CONCAT(VARCHAR, INT): expected CONCAT(VARCHAR, ...)
-- ERROR 36:24: cannot apply ABS(VARCHAR): expected ABS(NUMERIC)
-- ERROR 36:34: cannot apply ROUND(VARCHAR, INT): expected ROUND(NUMERIC, [INT])
-- ERROR 36:49: cannot apply FLOOR(VARCHAR): expected FLOOR(NUMERIC)
SELECT CAST(price AS STRING), CAST(url AS BIGINT), CAST(auction AS VARCHAR(10) NOT) FROM bid;
-- ERROR 41:80: unexpected NOT after the type in CAST
