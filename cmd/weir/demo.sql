-- Weir demo: Nexmark bids generated live, filtered and projected with SQL.
-- Stop with Ctrl-C: sources stop, results already read are flushed, exit 0.
CREATE TABLE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
  date_time TIMESTAMP(3), extra VARCHAR
) WITH (
  'connector' = 'nexmark',
  'table' = 'bid',
  'first-event.rate' = '200',
  'rate-limited' = 'true'
);

-- Nexmark q2 with a twist: bids on every 123rd auction, price in euro cents.
SELECT auction, bidder, price * 908 / 1000 AS price_eur, UPPER(channel) AS channel, date_time
FROM bid
WHERE MOD(auction, 123) = 0 OR price > 10000000;
