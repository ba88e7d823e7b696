-- Nexmark q7, highest bid: its inner query, the highest price in each
-- 10-second tumbling window.
CREATE TABLE discard_sink (maxprice BIGINT, date_time TIMESTAMP(3)) WITH ('connector' = 'blackhole');

INSERT INTO discard_sink
SELECT MAX(price) AS maxprice, TUMBLE_END(date_time, INTERVAL '10' SECOND) AS date_time
FROM bid
GROUP BY TUMBLE(date_time, INTERVAL '10' SECOND);
