"""Pure physics: broadcasting functions in SI units, each citing its source.

No clock and no random numbers: engines call these functions and never restate a
formula. Checked functions take and return NumPy arrays; their unchecked array forms
(``compose``, ``swapped``, ``stored``, the purification steps of :mod:`.purification`, ...)
run on the array namespace of their arguments (NumPy or CuPy). Bell-diagonal states are
vectors of shape ``(..., 4)`` ordered ``(Phi+, Psi-, Psi+, Phi-)`` with ``Phi+`` the target
(see :mod:`.bell_diagonal`).
"""

from qfab.physics.bell_diagonal import (
    BELL_ORDER,
    BELL_PAULI,
    MAXIMALLY_MIXED,
    bbpssw,
    characters,
    combined_depolarization,
    compose,
    dejmps,
    depolarize,
    fidelity,
    fidelity_from_werner_parameter,
    from_characters,
    is_normalized,
    normalize,
    pauli_channel_to_bell,
    swap,
    swap_measurement_error_channel,
    swapped,
    twirl,
    werner,
    werner_parameter,
)
from qfab.physics.bounds import plob_bound, tgw_bound
from qfab.physics.detection import (
    click_probability,
    dark_count_probability,
    detection_probability,
)
from qfab.physics.fiber import SPEED_OF_LIGHT_IN_FIBER, propagation_delay, transmittance
from qfab.physics.heralding import depolarizing_link, double_click, single_click
from qfab.physics.memory import (
    decohere,
    depolarizing_decay_rates,
    depolarizing_kraus,
    depolarizing_memory,
    depolarizing_memory_fidelity,
    pauli_memory_characters,
    pauli_twirled_t1_t2,
    stored,
    t1_t2_decay_rates,
    t1_t2_kraus,
)

__all__ = [
    "BELL_ORDER",
    "BELL_PAULI",
    "MAXIMALLY_MIXED",
    "SPEED_OF_LIGHT_IN_FIBER",
    "bbpssw",
    "characters",
    "click_probability",
    "combined_depolarization",
    "compose",
    "dark_count_probability",
    "decohere",
    "dejmps",
    "depolarize",
    "depolarizing_decay_rates",
    "depolarizing_kraus",
    "depolarizing_link",
    "depolarizing_memory",
    "depolarizing_memory_fidelity",
    "detection_probability",
    "double_click",
    "fidelity",
    "fidelity_from_werner_parameter",
    "from_characters",
    "is_normalized",
    "normalize",
    "pauli_channel_to_bell",
    "pauli_memory_characters",
    "pauli_twirled_t1_t2",
    "plob_bound",
    "propagation_delay",
    "single_click",
    "stored",
    "swap",
    "swap_measurement_error_channel",
    "swapped",
    "t1_t2_decay_rates",
    "t1_t2_kraus",
    "tgw_bound",
    "transmittance",
    "twirl",
    "werner",
    "werner_parameter",
]
