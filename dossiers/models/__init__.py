from dossiers.models.audit import AuditChainHead, AuditEvent
from dossiers.models.catalogue import (
    Authority,
    AwardCategory,
    AwardKind,
    AwardType,
    Criterion,
    DocumentType,
    Movement,
    Regulation,
    RequiredDocument,
    SubjectKind,
    VoteBase,
)
from dossiers.models.central import (
    CentralAttachment,
    CentralItem,
    CentralItemStatus,
    CentralState,
    CentralSubmission,
)
from dossiers.models.central_deadlines import CentralOverdueAlert, CentralTimeLimits
from dossiers.models.decision import (
    BaseSalary,
    CertificateLayout,
    Decision,
    DecisionItem,
    DecisionKind,
    DecisionState,
    RevocationItem,
    SignerCapacity,
    cash_amount,
)
from dossiers.models.documents import (
    DocumentCounter,
    DocumentNumber,
    GeneratedDocument,
    GeneratedDocumentState,
)
from dossiers.models.dossier import (
    Attachment,
    Dossier,
    DossierState,
    Nomination,
    NominationOutcome,
)
from dossiers.models.eligibility import EligibilityOverride, EligibilityVerdict, VerdictResult
from dossiers.models.history import (
    AnnualRating,
    AwardRecord,
    DisciplineKind,
    DisciplineRecord,
    Initiative,
    InitiativeLevel,
    Rating,
    Source,
)
from dossiers.models.notice import FeedbackStatus, PublicFeedback, PublicNotice
from dossiers.models.people import Collective, CollectiveKind, Gender, Person
from dossiers.models.review import ReturnReason, SupplementItem, SupplementRequest
from dossiers.models.units import EmulationBlock, EmulationCluster, Province, Unit, UnitKind
from dossiers.models.users import Role, User

__all__ = [
    "BaseSalary", "CertificateLayout", "CentralAttachment", "CentralItem", "CentralItemStatus", "CentralState", "CentralSubmission", "Decision",
    "DecisionItem", "DecisionKind", "DecisionState", "RevocationItem", "SignerCapacity", "cash_amount",
    "AnnualRating", "Attachment", "AuditChainHead", "AuditEvent", "Authority", "AwardCategory",
    "AwardKind", "AwardRecord", "AwardType", "Collective", "CollectiveKind", "Criterion",
    "DisciplineKind", "DisciplineRecord", "DocumentType", "Dossier", "DossierState",
    "EligibilityOverride", "EligibilityVerdict", "FeedbackStatus", "PublicFeedback", "PublicNotice",
    "ReturnReason", "SupplementItem", "SupplementRequest", "VerdictResult",
    "EmulationBlock", "EmulationCluster", "Gender", "Initiative", "InitiativeLevel", "Movement",
    "Nomination", "NominationOutcome", "Person", "Province", "Rating", "Regulation",
    "RequiredDocument", "Role", "Source", "SubjectKind", "Unit", "UnitKind", "User", "VoteBase",
    "DocumentCounter", "DocumentNumber", "GeneratedDocument", "GeneratedDocumentState",
    "CentralOverdueAlert", "CentralTimeLimits",
]
