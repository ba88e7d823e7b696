-- Nexmark q5, hot items: its inner query, the number of bids per auction
-- in each sliding window of 10 seconds, every 2 seconds.
CREATE TABLE discard_sink (
  auction BIGINT, num BIGINT, starttime TIMESTAMP(3), endtime TIMESTAMP(3)
) WITH ('connector' = 'blackhole');

INSERT INTO discard_sink
SELECT
    auction,
    count(*) AS num,
    HOP_START(date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND) AS starttime,
    HOP_END(date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND) AS endtime
FROM bid
GROUP BY auction, HOP(date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND);
