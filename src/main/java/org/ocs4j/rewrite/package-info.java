/**
 * Rewriting DL4J models: {@link org.ocs4j.rewrite.ModelWidener} builds a new, wider model of the same type in which
 * split layers read duplicated input channels, produced by widened producers or duplication vertices, and reports
 * it in a {@link org.ocs4j.rewrite.WidenReport}.
 */
package org.ocs4j.rewrite;
