package dev.mmapkit.cli;

import dev.mmapkit.Bytes;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses sizes such as {@code 4096}, {@code 64k}, {@code 1g} for options; errors are usage errors.
 */
final class SizeConverter implements ITypeConverter<Long> {

  @Override
  public Long convert(String value) {
    try {
      return Bytes.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
