/**
 * ocs4j: Outlier Channel Splitting for Deeplearning4j models. Start at {@link org.ocs4j.Ocs} with an
 * {@link org.ocs4j.pipeline.OcsConfig}; results are {@link org.ocs4j.OcsModel}s with an {@link org.ocs4j.OcsReport}.
 */
package org.ocs4j;
