-- A syntax error points at the offending token, in the user's coordinates,
-- even after INTERVAL literals and CASTs were rewritten earlier on the line.
CREATE TABLE t (a BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'nexmark');
SELECT CAST(a AS BIGINT), ts - INTERVAL '1' SECOND FROM t WHERE a = = 1;
-- ERROR 4:69: syntax error at "="
SELECT a FROM t WHERE;
-- ERROR 6:17: syntax error: unexpected end of statement after "WHERE"
SELECT 'héllo wörld', a
  FROM t WHERE a >> ;
-- ERROR 9:18: syntax error: unexpected end of statement after ">>"
CREATE TABLE out (a BIGINT) WITH ('connector' = 'stdout');
INSERT INTO out SELECT a FROM t;
-- ERROR 12:13: syntax error at "out" (if out is a name, it may be a reserved word: quote it as `out`)
