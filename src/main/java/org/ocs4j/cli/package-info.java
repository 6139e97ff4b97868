/**
 * The {@code ocs4j} command line (picocli): {@link org.ocs4j.cli.Main} and its commands {@code zoo}, {@code widen},
 * {@code eval}, {@code quantize}, {@code sweep}, {@code inspect}, {@code tensor}, {@code train} and {@code demo}, each
 * a thin client of {@link org.ocs4j.Ocs}. Results go to stdout, progress and logs to stderr. picocli, the progress bar
 * and Logback are optional dependencies of the library: the CLI brings them.
 */
package org.ocs4j.cli;
