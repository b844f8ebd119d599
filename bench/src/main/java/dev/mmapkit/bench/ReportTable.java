package dev.mmapkit.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** The human-readable report: one line per comparison, then notes and findings. */
final class ReportTable {
  private ReportTable() {}

  static void print(
      PrintStream out,
      String group,
      boolean quick,
      Map<String, Object> machine,
      List<Comparison> rows,
      Map<String, String> findings) {
    out.println();
    out.printf("mmapkit bench: %s%s%n", group, quick ? " (quick)" : "");
    machine.forEach((k, v) -> out.printf("  %-20s %s%n", k, v));
    out.println();
    int width = rows.stream().mapToInt(r -> r.name().length()).max().orElse(10);
    String head = "%-" + width + "s  %12s  %12s  %-10s  %8s  %6s  %s%n";
    out.printf(head, "comparison", "ours", "anchor", "unit", "ratio", "goal", "met");
    for (Comparison r : rows) {
      out.printf(
          "%-" + width + "s  %12.4g  %12.4g  %-10s  %8.4f  %6s  %s%n",
          r.name(),
          r.ours(),
          r.anchor(),
          r.unit(),
          r.ratio(),
          r.hasGoal() ? String.format("%.1f", r.goal()) : "-",
          !r.measured() ? "skipped" : r.hasGoal() ? (r.met() ? "yes" : "NO") : "-");
    }
    out.println();
    out.println(
        "ratio: higher is better for mmapkit (ours/anchor for rates, anchor/ours for costs)");
    for (Comparison r : rows) {
      if (!r.note().isEmpty()) out.printf("  %-" + width + "s  %s%n", r.name(), r.note());
    }
    if (!findings.isEmpty()) {
      out.println();
      findings.forEach((k, v) -> out.printf("%s: %s%n", k, v));
    }
  }
}
