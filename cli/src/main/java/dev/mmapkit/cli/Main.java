package dev.mmapkit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code mmapkit} command: {@code bench}, {@code residency}, {@code warm}, {@code evict},
 * {@code cache stat}, {@code ipc stat} and {@code log stat|tail}.
 *
 * <p>Exit codes: 0 on success, 2 for a usage error (reported by picocli with the usage help), 1 for
 * a runtime error (one line on stderr, {@code mmapkit: <message>}; the stack trace too with {@code
 * --verbose}).
 */
@Command(
    name = "mmapkit",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = Version.class,
    description = "Memory-mapped I/O toolkit: benchmarks on your files and page-cache tools.",
    subcommands = {
      BenchCommand.class,
      ResidencyCommand.class,
      WarmCommand.class,
      EvictCommand.class,
      IpcCommand.class,
      LogCommand.class,
      CacheCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  /**
   * Decimal places of doubles in {@code --json} output: the measurements are not more precise, and
   * a short, stable form is easier to diff.
   */
  static final int JSON_DECIMALS = 3;

  // Declared here so every command accepts it; ErrorReport reads it from the parse result, because
  // an inherited option's value lands on whichever command parsed it.
  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print the stack trace of a runtime error.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Creates the top command; picocli fills in the options. */
  public Main() {}

  /** Runs the command and exits the JVM with its exit code. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The configured command line, shared by {@link #main} and tests so that both see the same option
   * parsing and error handling. Output goes to {@link CommandLine#getOut()} and {@link
   * CommandLine#getErr()}, which callers may replace.
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler(new ErrorReport());
    cl.setExecutionStrategy(ErrorReport::runReportingFaults);
    return cl;
  }

  /** Without a subcommand there is nothing to do but show what there is. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }
}
