// Package nexmark is the 'nexmark' connector: the Nexmark benchmark's
// event generator (people, auctions, bids) as an unbounded or bounded
// source, with Flink's generator defaults (the 1:3:46 mix, hot auctions,
// bidders and sellers, ids from 1000, event time = base time + event
// number x inter-event delay from 'first-event.rate').
//
// Every event is a pure function of its event number: the random source
// is seeded with the number, so subtask i of N generating the numbers
// congruent to i mod N yields, over all subtasks, exactly the events a
// single generator yields, and a reader's checkpoint position is just
// its next event number. Generator.Event gives tests the same events as
// plain Go values for reference computations.
//
// It imports Arrow and the connectors contract only; it must not import
// sql, engine, operators or web.
package nexmark
