-- Weir demo: one job with five pipelines around the built-in Kafka broker
-- at ${BROKER}. Stop with Ctrl-C: sources stop, what was read is flushed
-- and written, exit 0.
--
--   Nexmark generator (${RATE} events/s) -> Kafka topics person, auction, bid
--   Kafka bid -> HOP count per auction (10 s windows every 2 s) -> Kafka hot_auctions
--   Kafka bid -> TUMBLE max price per 10 s -> stdout

-- The generator, paced in wall-clock time. The three tables share one
-- event stream: of every 50 events, 1 is a person, 3 are auctions, 46 bids.
CREATE TABLE gen_person (
  id BIGINT, name VARCHAR, email_address VARCHAR, credit_card VARCHAR,
  city VARCHAR, state VARCHAR, date_time TIMESTAMP(3), extra VARCHAR
) WITH ('connector' = 'nexmark', 'table' = 'person', 'first-event.rate' = '${RATE}', 'rate-limited' = 'true');

CREATE TABLE gen_auction (
  id BIGINT, item_name VARCHAR, description VARCHAR, initial_bid BIGINT, reserve BIGINT,
  date_time TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR
) WITH ('connector' = 'nexmark', 'table' = 'auction', 'first-event.rate' = '${RATE}', 'rate-limited' = 'true');

CREATE TABLE gen_bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
  date_time TIMESTAMP(3), extra VARCHAR
) WITH ('connector' = 'nexmark', 'table' = 'bid', 'first-event.rate' = '${RATE}', 'rate-limited' = 'true');

-- The Kafka topics. The generator writes 'bid' through bid_sink (keyed
-- by auction, so every partition gets bids); the windowed pipelines read
-- it, with a watermark, through bid.
CREATE TABLE person (
  id BIGINT, name VARCHAR, email_address VARCHAR, credit_card VARCHAR,
  city VARCHAR, state VARCHAR, date_time TIMESTAMP(3), extra VARCHAR
) WITH ('connector' = 'kafka', 'topic' = 'person', 'format' = 'json',
  'properties.bootstrap.servers' = '${BROKER}', 'sink.key' = 'id');

CREATE TABLE auction (
  id BIGINT, item_name VARCHAR, description VARCHAR, initial_bid BIGINT, reserve BIGINT,
  date_time TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR
) WITH ('connector' = 'kafka', 'topic' = 'auction', 'format' = 'json',
  'properties.bootstrap.servers' = '${BROKER}', 'sink.key' = 'id');

CREATE TABLE bid_sink (
  auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
  date_time TIMESTAMP(3), extra VARCHAR
) WITH ('connector' = 'kafka', 'topic' = 'bid', 'format' = 'json',
  'properties.bootstrap.servers' = '${BROKER}', 'sink.key' = 'auction');

CREATE TABLE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
  date_time TIMESTAMP(3), extra VARCHAR,
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'bid', 'format' = 'json',
  'properties.bootstrap.servers' = '${BROKER}',
  'scan.startup.mode' = 'earliest-offset', 'scan.watermark.idle-timeout' = '5 s');

CREATE TABLE hot_auctions (
  auction BIGINT, num BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3)
) WITH ('connector' = 'kafka', 'topic' = 'hot_auctions', 'format' = 'json',
  'properties.bootstrap.servers' = '${BROKER}', 'sink.key' = 'auction');

-- 1-3. The generator fills the topics.
INSERT INTO person SELECT * FROM gen_person;
INSERT INTO auction SELECT * FROM gen_auction;
INSERT INTO bid_sink SELECT * FROM gen_bid;

-- 4. Nexmark q5's first step: bids per auction in 10-second windows that
-- slide every 2 seconds, Kafka to Kafka.
INSERT INTO hot_auctions
SELECT auction, COUNT(*) AS num,
       HOP_START(date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND) AS window_start,
       HOP_END(date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND) AS window_end
FROM bid
GROUP BY auction, HOP(date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND);

-- 5. Nexmark q7's first step: the highest bid and the number of bids in
-- each 10-second window, Kafka to stdout.
SELECT TUMBLE_START(date_time, INTERVAL '10' SECOND) AS window_start,
       TUMBLE_END(date_time, INTERVAL '10' SECOND) AS window_end,
       MAX(price) AS max_price, COUNT(*) AS bids
FROM bid
GROUP BY TUMBLE(date_time, INTERVAL '10' SECOND);
