package dev.mmapkit.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of a benchmark report: our number against the anchor's on the same work in the same run.
 *
 * @param name stable identifier, e.g. {@code scan-vs-filechannel}
 * @param ours our measurement
 * @param anchor the anchor's measurement, or the bound a goal sets
 * @param unit the unit of both numbers
 * @param ratio oriented so that higher is better for us: {@code ours / anchor} for rates, {@code
 *     anchor / ours} for costs (time, memory)
 * @param goal the smallest ratio the issue asks for, or NaN when the row only informs
 * @param note a short explanation, or empty
 */
public record Comparison(
    String name, double ours, double anchor, String unit, double ratio, double goal, String note) {

  /** A row for a rate (higher is better): the ratio is {@code ours / anchor}. */
  public static Comparison rate(
      String name, double ours, double anchor, String unit, double goal, String note) {
    return new Comparison(name, ours, anchor, unit, ours / anchor, goal, note);
  }

  /** A row for a cost (lower is better): the ratio is {@code anchor / ours}. */
  public static Comparison cost(
      String name, double ours, double anchor, String unit, double goal, String note) {
    return new Comparison(name, ours, anchor, unit, anchor / ours, goal, note);
  }

  /**
   * A row that could not be measured (e.g. its anchor is not installed): the anchor and the ratio
   * are NaN, so that no number stands in for the missing one, and the note starts with {@code
   * skipped:} and the reason.
   */
  public static Comparison skipped(
      String name, double ours, String unit, double goal, String reason) {
    return new Comparison(name, ours, Double.NaN, unit, Double.NaN, goal, "skipped: " + reason);
  }

  /** Whether the row was measured, i.e. it has a ratio. */
  public boolean measured() {
    return !Double.isNaN(ratio);
  }

  /** Whether the row has a goal. */
  /** This comparison as a JSON object for the {@code --json} report. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name());
    m.put("ours", ours());
    m.put("anchor", anchor());
    m.put("unit", unit());
    m.put("ratio", ratio());
    m.put("goal", goal());
    m.put("met", hasGoal() && measured() ? met() : null);
    if (!measured()) m.put("skipped", true);
    m.put("note", note());
    return m;
  }

  public boolean hasGoal() {
    return !Double.isNaN(goal);
  }

  /** Whether the goal is met; false when there is none. */
  public boolean met() {
    return hasGoal() && ratio >= goal;
  }
}
