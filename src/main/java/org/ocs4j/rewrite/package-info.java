/**
 * Rewriting DL4J models into new ones of the same type: {@link org.ocs4j.rewrite.ModelWidener} (weight and activation
 * OCS by channel duplication, reported in a {@link org.ocs4j.rewrite.WidenReport}),
 * {@link org.ocs4j.rewrite.QuantizerInsertion} (activation quantizer layers), {@link org.ocs4j.rewrite.BatchNormFolding}
 * and the {@link org.ocs4j.rewrite.IdentityCheck} that shows a rewrite computes the same function.
 */
package org.ocs4j.rewrite;
