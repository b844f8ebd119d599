package dev.mmapkit.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The median of measured values, for the direct (non-JMH) measurements' rounds and slices. */
public final class Median {
  private Median() {}

  /** The middle value of {@code values} (the upper one of the two middle values if even). */
  public static double of(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
