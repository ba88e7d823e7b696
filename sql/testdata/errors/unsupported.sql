CREATE TABLE bid (auction BIGINT, price BIGINT, date_time TIMESTAMP(3)) WITH ('connector' = 'nexmark');
SELECT auction, COUNT(*) FROM bid GROUP BY auction;
-- ERROR 2:35: GROUP BY without a TUMBLE, HOP or SESSION window is not supported yet (updating results come later)

SELECT auction FROM bid ORDER BY auction;
-- ERROR 5:25: ORDER BY is not supported yet
SELECT auction FROM bid LIMIT 10;
-- ERROR 7:25: LIMIT is not supported yet
SELECT a.auction FROM bid a JOIN bid b ON a.auction = b.auction;
-- ERROR 9:29: JOIN is not supported yet
SELECT auction FROM bid UNION ALL SELECT auction FROM bid;
-- ERROR 11:25: UNION is not supported yet
SELECT auction FROM bid WHERE auction IN (SELECT auction FROM bid);
-- ERROR 13:42: subqueries in expressions are not supported yet
SELECT SUM(price) OVER (PARTITION BY auction) FROM bid;
-- ERROR 15:8: window functions (SUM ... OVER) are not supported yet
SELECT 1;
-- ERROR 17:1: a streaming query needs a source table: SELECT ... FROM table
SELECT auction FROM bid
GROUP BY auction, TUMBLE(date_time, INTERVAL '10' SECOND);
-- ERROR 20:26: window can only be defined over a time attribute column (a table's WATERMARK FOR column, read unchanged through views and subqueries): date_time is not one
SELECT SESSION_START(date_time, INTERVAL '5' MINUTE) FROM bid;
-- ERROR 22:8: SESSION_START can only be used with GROUP BY SESSION(...), in the select list or HAVING

SELECT HOP(date_time, INTERVAL '1' SECOND, INTERVAL '5' SECOND) FROM bid;
-- ERROR 25:8: HOP is a group window function: it can only be an item of GROUP BY
SELECT * FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' MINUTES));
-- ERROR 27:15: table functions in FROM (TABLE(...)) are not supported yet
