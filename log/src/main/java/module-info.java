/**
 * mmapkit log: {@link dev.mmapkit.log.AppendLog}, an append-only record log on pre-reserved,
 * pre-faulted mapped chunks, appended to by many threads and processes and read by tailers in any
 * process, with checksummed records and recovery to the last whole record after a crash.
 */
module dev.mmapkit.log {
  requires transitive dev.mmapkit.core;

  exports dev.mmapkit.log;
}
