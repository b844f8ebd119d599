package dev.mmapkit.cli;

import picocli.CommandLine.IVersionProvider;

/** The version shown by {@code mmapkit --version}: the module's version, when the build set one. */
final class Version implements IVersionProvider {

  @Override
  public String[] getVersion() {
    String version =
        Version.class
            .getModule()
            .getDescriptor()
            .rawVersion()
            .orElseGet(
                () -> {
                  String fromManifest = Version.class.getPackage().getImplementationVersion();
                  return fromManifest != null ? fromManifest : "(development build)";
                });
    return new String[] {
      "mmapkit " + version,
      "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")",
      "Linux " + Environment.kernel()
    };
  }
}
