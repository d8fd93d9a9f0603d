//! The kinds of security event kept in the audit log.

/// What happened. Stored by its [`AuditKind::code`], which never changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditKind {
    SignedIn,
    SignInFailed,
    /// A client was locked out of an account after repeated failures.
    SignInLocked,
    CsrfRefused,
    /// A signed-in caller was refused something (HTTP 403).
    Forbidden,
    TokenCreated,
    TokenRevoked,
    UserCreated,
    UserChanged,
    RoleChanged,
    UserDeactivated,
    PasswordChanged,
    SessionsRevoked,
    /// An escalation rule was created, changed, switched on or off, or deleted.
    EscalationRuleChanged,
    /// The change risk questionnaire was replaced or reset.
    RiskQuestionnaireChanged,
    /// A maintenance window for alerts was made, changed or deleted.
    AlertWindowChanged,
    /// The alert routing (tree, receivers, inhibition) was replaced or reset.
    AlertRoutingChanged,
    /// The rules mapping alerts to CIs were replaced or reset.
    AlertCiRulesChanged,
    /// Two-step sign-in was turned on or off, or its recovery codes renewed.
    TwoFactorChanged,
}

impl AuditKind {
    pub const ALL: [AuditKind; 19] = [
        AuditKind::SignedIn,
        AuditKind::SignInFailed,
        AuditKind::SignInLocked,
        AuditKind::CsrfRefused,
        AuditKind::Forbidden,
        AuditKind::TokenCreated,
        AuditKind::TokenRevoked,
        AuditKind::UserCreated,
        AuditKind::UserChanged,
        AuditKind::RoleChanged,
        AuditKind::UserDeactivated,
        AuditKind::PasswordChanged,
        AuditKind::SessionsRevoked,
        AuditKind::EscalationRuleChanged,
        AuditKind::RiskQuestionnaireChanged,
        AuditKind::AlertWindowChanged,
        AuditKind::AlertRoutingChanged,
        AuditKind::AlertCiRulesChanged,
        AuditKind::TwoFactorChanged,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AuditKind::SignedIn => "sign_in",
            AuditKind::SignInFailed => "sign_in_failed",
            AuditKind::SignInLocked => "sign_in_locked",
            AuditKind::CsrfRefused => "csrf_refused",
            AuditKind::Forbidden => "forbidden",
            AuditKind::TokenCreated => "token_created",
            AuditKind::TokenRevoked => "token_revoked",
            AuditKind::UserCreated => "user_created",
            AuditKind::UserChanged => "user_changed",
            AuditKind::RoleChanged => "role_changed",
            AuditKind::UserDeactivated => "user_deactivated",
            AuditKind::PasswordChanged => "password_changed",
            AuditKind::SessionsRevoked => "sessions_revoked",
            AuditKind::EscalationRuleChanged => "escalation_rule_changed",
            AuditKind::RiskQuestionnaireChanged => "risk_questionnaire_changed",
            AuditKind::AlertWindowChanged => "alert_window_changed",
            AuditKind::AlertRoutingChanged => "alert_routing_changed",
            AuditKind::AlertCiRulesChanged => "alert_ci_rules_changed",
            AuditKind::TwoFactorChanged => "two_factor_changed",
        }
    }

    pub fn from_code(code: &str) -> Option<AuditKind> {
        AuditKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Refusals and failures: logged at `warn`, the rest at `info`.
    pub fn is_warning(self) -> bool {
        matches!(
            self,
            AuditKind::SignInFailed | AuditKind::SignInLocked | AuditKind::CsrfRefused | AuditKind::Forbidden
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut codes: Vec<_> = AuditKind::ALL.iter().map(|k| k.code()).collect();
        for k in AuditKind::ALL {
            assert_eq!(AuditKind::from_code(k.code()), Some(k));
        }
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), AuditKind::ALL.len());
        assert_eq!(AuditKind::from_code("nope"), None);
    }
}
