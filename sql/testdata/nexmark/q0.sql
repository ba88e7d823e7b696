-- Nexmark q0, pass through (Flink's text with the DDL adapted).
CREATE TABLE discard_sink (
  auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3), extra VARCHAR
) WITH ('connector' = 'blackhole');

INSERT INTO discard_sink
SELECT auction, bidder, price, date_time, extra FROM bid;
