package dev.mmapkit.internal;

/** Child JVM of {@link ProcessesTest}: prints what it can tell about the process PID START NS. */
public final class ProcessesLivenessChild {
  private ProcessesLivenessChild() {}

  public static void main(String[] args) {
    long pid = Long.parseLong(args[0]), start = Long.parseLong(args[1]);
    long ns = Long.parseLong(args[2]);
    System.out.println(
        "LIVENESS "
            + Processes.liveness(pid, start, ns)
            + " SELF "
            + Processes.liveness(Processes.currentPid(), Processes.currentStartTime(), ns));
  }
}
