//! The ZSM table: case workflow and legal clocks.
