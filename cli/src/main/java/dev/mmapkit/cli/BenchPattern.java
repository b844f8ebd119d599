package dev.mmapkit.cli;

import java.util.Locale;

/** The access pattern {@code mmapkit bench} measures. */
enum BenchPattern {
  /** One pass over the whole file, front to back. */
  SEQ,
  /** A fixed number of reads at random offsets aligned to the read size. */
  RANDOM;

  /** The name used on the command line and in JSON. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
