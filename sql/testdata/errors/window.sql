CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, url VARCHAR, date_time TIMESTAMP(3), other TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND) WITH ('connector' = 'nexmark');
CREATE TABLE plain (a BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'nexmark');
SELECT COUNT(*) FROM bid GROUP BY TUMBLE(other, INTERVAL '1' SECOND);
-- ERROR 4:42: window can only be defined over a time attribute column (a table's WATERMARK FOR column, read unchanged through views and subqueries): other is not one
SELECT COUNT(*) FROM plain GROUP BY TUMBLE(ts, INTERVAL '1' SECOND);
-- ERROR 6:44: window can only be defined over a time attribute column (a table's WATERMARK FOR column, read unchanged through views and subqueries): ts is not one
SELECT COUNT(*) FROM bid GROUP BY TUMBLE(date_time + INTERVAL '1' SECOND, INTERVAL '1' SECOND);
-- ERROR 8:42: window can only be defined over a time attribute column (a table's WATERMARK FOR column, read unchanged through views and subqueries), not over an expression
SELECT COUNT(*) FROM (SELECT date_time + INTERVAL '1' SECOND AS t FROM bid) x GROUP BY TUMBLE(t, INTERVAL '1' SECOND);
-- ERROR 10:95: window can only be defined over a time attribute column (a table's WATERMARK FOR column, read unchanged through views and subqueries): t is not one
SELECT TUMBLE_START(date_time, INTERVAL '2' SECOND) FROM bid GROUP BY TUMBLE(date_time, INTERVAL '1' SECOND);
-- ERROR 12:8: the arguments of TUMBLE_START must repeat those of the GROUP BY window TUMBLE(date_time, INTERVAL '1' SECOND)
SELECT HOP_START(date_time, INTERVAL '1' SECOND, INTERVAL '2' SECOND) FROM bid GROUP BY TUMBLE(date_time, INTERVAL '1' SECOND);
-- ERROR 14:8: HOP_START does not match the GROUP BY window TUMBLE(date_time, INTERVAL '1' SECOND): use TUMBLE_START or TUMBLE_END
SELECT auction, url, COUNT(*) FROM bid GROUP BY auction, TUMBLE(date_time, INTERVAL '1' SECOND);
-- ERROR 16:17: column url is not being grouped: use it in GROUP BY or inside an aggregate function
SELECT SUM(COUNT(*)) FROM bid GROUP BY TUMBLE(date_time, INTERVAL '1' SECOND);
-- ERROR 18:12: aggregate function calls cannot be nested
SELECT auction FROM bid WHERE COUNT(*) > 1 GROUP BY auction, TUMBLE(date_time, INTERVAL '1' SECOND);
-- ERROR 20:31: aggregate functions are not allowed in WHERE
SELECT COUNT(*) FROM bid GROUP BY TUMBLE(date_time, INTERVAL '1' SECOND), HOP(date_time, INTERVAL '1' SECOND, INTERVAL '2' SECOND);
-- ERROR 22:75: GROUP BY may have only one group window (TUMBLE, HOP or SESSION)
SELECT COUNT(*) FROM bid GROUP BY TUMBLE(date_time, INTERVAL '0' SECOND);
-- ERROR 24:53: the TUMBLE size must be positive, got INTERVAL '0' SECOND
SELECT COUNT(*) FROM bid GROUP BY SESSION(date_time, INTERVAL '-5' SECOND);
-- ERROR 26:54: the SESSION gap must be positive, got INTERVAL '-5' SECOND
SELECT auction, COUNT(*) FROM bid GROUP BY auction;
-- ERROR 28:35: GROUP BY without a TUMBLE, HOP or SESSION window is not supported yet (updating results come later)
SELECT COUNT(*) FROM bid;
-- ERROR 30:8: aggregation without GROUP BY is not supported yet: group by a TUMBLE, HOP or SESSION window (updating results come later)
SELECT SUM(url), AVG(date_time), MIN(INTERVAL '1' SECOND) FROM bid GROUP BY TUMBLE(date_time, INTERVAL '1' SECOND);
-- ERROR 32:8: cannot apply SUM to VARCHAR: expected a number
-- ERROR 32:18: cannot apply AVG to TIMESTAMP(3): expected a number
-- ERROR 32:34: cannot apply MIN to INTERVAL: expected a number, VARCHAR, BOOLEAN, TIMESTAMP(3) or DATE
SELECT * FROM bid GROUP BY TUMBLE(date_time, INTERVAL '1' SECOND);
-- ERROR 36:8: SELECT * cannot be used with GROUP BY: list the group keys, window bounds and aggregates
SELECT STDDEV(price) FROM bid GROUP BY TUMBLE(date_time, INTERVAL '1' SECOND);
-- ERROR 38:8: aggregate function STDDEV is not supported: use COUNT, SUM, MIN, MAX or AVG
SELECT TUMBLE_START(date_time, INTERVAL '1' SECOND) FROM bid;
-- ERROR 40:8: TUMBLE_START can only be used with GROUP BY TUMBLE(...), in the select list or HAVING
SELECT COUNT(*) FROM bid GROUP BY HOP(date_time, INTERVAL '1' SECOND);
-- ERROR 42:35: HOP takes 3 arguments (time attribute, slide, size), got 2
SELECT COUNT(*) FROM bid GROUP BY TUMBLE(date_time, 5);
-- ERROR 44:53: the TUMBLE size must be an INTERVAL literal, as in INTERVAL '10' SECOND
CREATE VIEW agg AS SELECT auction, COUNT(*) AS n, TUMBLE_END(date_time, INTERVAL '1' SECOND) AS t FROM bid GROUP BY auction, TUMBLE(date_time, INTERVAL '1' SECOND);
SELECT COUNT(*) FROM agg GROUP BY TUMBLE(t, INTERVAL '1' MINUTE);
-- ERROR 47:35: a TUMBLE window over a view or subquery that aggregates is not supported yet
SELECT COUNT(*) FROM bid GROUP BY 1, TUMBLE(date_time, INTERVAL '1' SECOND);
-- ERROR 49:26: GROUP BY positions (GROUP BY 1) are not supported: name the column
SELECT COUNT(*) FROM bid HAVING COUNT(*) > 1;
-- ERROR 51:8: aggregation without GROUP BY is not supported yet: group by a TUMBLE, HOP or SESSION window (updating results come later)
SELECT auction FROM bid GROUP BY auction, TUMBLE(date_time, INTERVAL '1' SECOND) HAVING price > 1;
-- ERROR 53:89: column price is not being grouped: use it in GROUP BY or inside an aggregate function
SELECT TUMBLE_ROWTIME(date_time, INTERVAL '1' SECOND) FROM bid GROUP BY TUMBLE(date_time, INTERVAL '1' SECOND);
-- ERROR 55:8: TUMBLE_ROWTIME is not supported: use TUMBLE_START or TUMBLE_END
SELECT COUNT(*) FROM bid GROUP BY TUMBLE(date_time, INTERVAL '1' SECOND) HAVING SUM(price);
-- ERROR 57:81: HAVING condition must be BOOLEAN, got BIGINT
SELECT COUNT(*) FROM bid GROUP BY MOD(COUNT(*), 2), TUMBLE(date_time, INTERVAL '1' SECOND);
-- ERROR 59:39: aggregate functions are not allowed in GROUP BY
SELECT COUNT(DISTINCT auction, bidder) FROM bid GROUP BY TUMBLE(date_time, INTERVAL '1' SECOND);
-- ERROR 61:8: COUNT takes one argument, got 2
SELECT HOP(date_time, INTERVAL '1' SECOND, INTERVAL '5' SECOND) FROM bid GROUP BY TUMBLE(date_time, INTERVAL '1' SECOND);
-- ERROR 63:8: HOP is a group window function: it can only be an item of GROUP BY
SELECT COUNT(*) FROM bid GROUP BY HOP(date_time, INTERVAL '1' SECOND, INTERVAL '2' DAY);
-- ERROR 65:35: HOP with slide INTERVAL '1' SECOND and size INTERVAL '2' DAY would combine 172800 panes of gcd(slide, size) per window each time one fires; at most 100000 are supported (use a larger slide, or a slide that divides the size)
