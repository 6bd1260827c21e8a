using ClawdTalk.Commands.Calls;

namespace ClawdTalk.Commands.Approvals
{
    /// <summary>Reads approval requests: one by id (`GET /approvals/{id}`) or a list, optionally by status (`GET /approvals?status=…`).</summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkApproval", DefaultParameterSetName = ListSet)]
    [OutputType(typeof(ApprovalRequest))]
    public sealed class GetClawdTalkApprovalCommand : ClawdTalkCmdlet
    {
        public const string ListSet = "List", ByIdSet = "ById";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByIdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ApprovalIdCompleter))]
        public string[] RequestId { get; set; } = null!;

        [Parameter(ParameterSetName = ListSet)]
        public ApprovalStatus? Status { get; set; }

        protected override void Process()
        {
            var history = Session.Feature(() => new CommsHistory());
            if (ParameterSetName == ByIdSet)
            {
                foreach (var raw in RequestId)
                {
                    var id = raw.Trim();
                    try
                    {
                        var a = Run(ct => Approvals.GetAsync(id, ct));
                        history.Approval(a.RequestId, a.Action ?? "");
                        WriteObject(a);
                    }
                    catch (ClawdTalkException ex)
                    {
                        WriteError(ex);
                    }
                }
                return;
            }
            if (Status == ApprovalStatus.Unknown)
                throw Errors.Invalid(ErrorIds.InvalidApprovalStatus, "-Status must be Pending, Approved, Denied or Expired.", Status);
            var status = Status?.ToString().ToLowerInvariant();
            foreach (var a in Run(ct => Approvals.ListAsync(status, ct)))
            {
                if (a.RequestId.Length > 0) history.Approval(a.RequestId, a.Action ?? "");
                WriteObject(a);
            }
        }
    }
}
