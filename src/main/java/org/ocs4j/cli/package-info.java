/**
 * The {@code ocs4j} command line (picocli): {@link org.ocs4j.cli.Main} and its {@code zoo}, {@code widen} and
 * {@code demo} commands. Results go to stdout, progress and logs to stderr.
 */
package org.ocs4j.cli;
