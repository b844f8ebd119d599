package dev.mmapkit.cli;

/**
 * One timed run of a {@link BenchStrategy}, or the median of several.
 *
 * @param strategy the strategy's name
 * @param nanos the wall-clock time of the run
 * @param faults the page faults the process took during the run, or {@code null} when unknown
 */
record Measurement(String strategy, long nanos, PageFaults faults) {}
