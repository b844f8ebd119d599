package dev.mmapkit.bench;

import dev.mmapkit.bench.cache.CacheGroup;
import dev.mmapkit.bench.core.CoreGroup;
import dev.mmapkit.bench.ipc.IpcGroup;
import dev.mmapkit.bench.log.LogGroup;
import dev.mmapkit.internal.Json;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs one benchmark group and reports how mmapkit compares with its anchors.
 *
 * <pre>
 * BenchMain GROUP [--quick] [--json]
 * </pre>
 *
 * <p>Without {@code --json} JMH's progress and a table of ratios go to stdout. With it, stdout
 * carries exactly one JSON object and everything else goes to stderr, so the output can be piped.
 */
public final class BenchMain {

  /** Every group, by name. A new group is one class plus one line here. */
  static final Map<String, Supplier<BenchGroup>> GROUPS = new LinkedHashMap<>();

  static {
    GROUPS.put("core", CoreGroup::new);
    GROUPS.put("ipc", IpcGroup::new);
    GROUPS.put("log", LogGroup::new);
    GROUPS.put("cache", CacheGroup::new);
  }

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    String groupName = null;
    boolean quick = false;
    boolean json = false;
    for (String arg : args) {
      switch (arg) {
        case "--quick" -> quick = true;
        case "--json" -> json = true;
        case "-h", "--help" -> {
          usage(System.out);
          return;
        }
        default -> {
          if (arg.startsWith("-") || groupName != null) {
            System.err.println("unexpected argument: " + arg);
            usage(System.err);
            System.exit(2);
          }
          groupName = arg;
        }
      }
    }
    if (groupName == null || !GROUPS.containsKey(groupName)) {
      System.err.println(groupName == null ? "no group given" : "unknown group: " + groupName);
      usage(System.err);
      System.exit(2);
    }
    if (!BenchMain.class.getModule().isNativeAccessEnabled()) {
      // Advice, eviction and residency would silently do nothing; the cold and streaming rows
      // would then measure something else than they claim.
      System.err.println(
          "native access is off: run with --enable-native-access=ALL-UNNAMED (bench/run does)");
      System.exit(2);
    }
    System.exit(run(GROUPS.get(groupName).get(), quick, json));
  }

  private static void usage(PrintStream out) {
    out.println("usage: BenchMain GROUP [--quick] [--json]");
    out.println("  groups: " + String.join(", ", GROUPS.keySet()));
    out.println("  --quick  small files, one short iteration (about a minute)");
    out.println("  --json   print one JSON object on stdout; progress goes to stderr");
    out.println("  benchmark files live in -D" + BenchSettings.DIR_PROPERTY + " (default");
    out.println("  ${java.io.tmpdir}/mmapkit-bench) and are reused between runs");
  }

  private static int run(BenchGroup group, boolean quick, boolean json) throws Exception {
    Instant start = Instant.now();
    BenchSettings settings = BenchSettings.fromSystemProperties();
    PrintStream progress = json ? System.err : System.out;
    OutputFormat format = OutputFormatFactory.createFormatInstance(progress, VerboseMode.NORMAL);

    List<RunResult> results = new ArrayList<>();
    List<Options> runs = group.jmhRuns(quick, settings);
    for (int i = 0; i < runs.size(); i++) {
      System.err.printf(
          "mmapkit-bench: %s%s, JMH run %d of %d%n",
          group.name(), quick ? " (quick)" : "", i + 1, runs.size());
      results.addAll(new Runner(runs.get(i), format).run());
    }
    List<Comparison> comparisons = new ArrayList<>(group.compare(results));
    System.err.printf("mmapkit-bench: %s direct measurements%n", group.name());
    comparisons.addAll(group.measureDirectly(quick, settings));
    Duration took = Duration.between(start, Instant.now());
    System.err.printf("mmapkit-bench: %s done in %d s%n", group.name(), took.toSeconds());

    Map<String, Object> machine = MachineInfo.describe(settings.dir());
    if (json) {
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("group", group.name());
      report.put("quick", quick);
      report.put("machine", machine);
      report.put("date", java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
      report.put("seconds", took.toSeconds());
      report.put("comparisons", comparisons.stream().map(Comparison::toJson).toList());
      report.put("findings", group.findings());
      System.out.println(Json.write(report));
    } else {
      ReportTable.print(System.out, group.name(), quick, machine, comparisons, group.findings());
    }
    return 0;
  }
}
