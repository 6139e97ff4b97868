/**
 * Model files: {@link org.ocs4j.io.ModelFiles} loads MultiLayerNetwork and ComputationGraph zips with clear errors
 * and saves atomically, never over an input.
 */
package org.ocs4j.io;
