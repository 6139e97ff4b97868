/**
 * ocs4j: Outlier Channel Splitting for Deeplearning4j models. Start at {@link org.ocs4j.Ocs}.
 */
package org.ocs4j;
