using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace AkkaMq.Store.Tests;

/// <summary>
/// Random batches against a simple model: every append is read back byte-identical, queue
/// offsets are dense per queue, tag filters return exactly the model's matches, and truncation
/// at any record boundary (then a restart) leaves exactly the model's prefix.
/// </summary>
public sealed class StorePropertyTests
{
    private sealed record Op(int Queue, int BodyLength, int Tag, int KeyId, int BatchBreak);

    private static readonly Gen<Op> OpGen =
        from q in Gen.Choose(0, 2)
        from len in Gen.Choose(0, 900)
        from tag in Gen.Choose(0, 3)
        from key in Gen.Choose(0, 9)
        from brk in Gen.Choose(0, 3)
        select new Op(q, len, tag, key, brk);

    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(25);

    private static MessageToStore ToMessage(Op op, int seq) =>
        Msg.Create("P", op.Queue, new string((char)('a' + (seq % 26)), op.BodyLength) + seq, tags: "t" + op.Tag, keys: "k" + op.KeyId);

    private static List<(Op Op, AppendResult R)> AppendAll(MessageStore store, Op[] ops)
    {
        var done = new List<(Op, AppendResult)>();
        var batch = new List<MessageToStore>();
        var batchOps = new List<Op>();
        for (int i = 0; i < ops.Length; i++)
        {
            batch.Add(ToMessage(ops[i], i));
            batchOps.Add(ops[i]);
            if (ops[i].BatchBreak == 0 || i == ops.Length - 1)
            {
                AppendResult[] r = store.AppendMany([.. batch]);
                done.AddRange(batchOps.Zip(r));
                batch.Clear();
                batchOps.Clear();
            }
        }
        return done;
    }

    private static void AssertMatchesModel(MessageStore store, List<(Op Op, AppendResult R)> model)
    {
        for (int q = 0; q < 3; q++)
        {
            var mine = model.Where(m => m.Op.Queue == q).ToList();
            Assert.Equal(mine.Count, store.GetMaxOffset("P", q));
            Assert.Equal(mine.Select(m => m.R.CommitLogOffset), store.ReadAll("P", q).Select(e => e.CommitLogOffset));
            for (int tag = 0; tag < 4; tag++)
            {
                Assert.Equal(mine.Where(m => m.Op.Tag == tag).Select(m => m.R.QueueOffset),
                    store.ReadAll("P", q, PropertyString.TagsCode("t" + tag)).Select(e => e.QueueOffset));
            }
        }
        for (int i = 0; i < model.Count; i++)
        {
            StoredMessage m = store.Read(model[i].R);
            Assert.Equal(model[i].Op.BodyLength + i.ToString(System.Globalization.CultureInfo.InvariantCulture).Length, m.Body.Length);
            Assert.Equal(model[i].R.QueueOffset, m.QueueOffset);
            Assert.Equal("t" + model[i].Op.Tag, m.Tags);
        }
        for (int k = 0; k < 10; k++)
        {
            Assert.Equal(model.Where(m => m.Op.KeyId == k).Select(m => m.R.CommitLogOffset).Order(),
                store.QueryByKey("P", "k" + k, 0, long.MaxValue, 1000).Select(h => h.CommitLogOffset).Order());
        }
    }

    [Theory]
    [InlineData(FlushMode.Async)]
    [InlineData(FlushMode.GroupCommit)]
    public void AppendThenRead_MatchesModel(FlushMode mode)
    {
        Prop.ForAll(Arb.From(Gen.ArrayOf(OpGen)), (Op[] ops) =>
        {
            using var dir = new TempDir();
            using MessageStore store = MessageStore.Open(Msg.Small(dir.Path, mode) with { IndexEntriesPerFile = 64 });
            List<(Op Op, AppendResult R)> model = AppendAll(store, ops);
            Assert.All(model, m => Assert.Equal(AppendStatus.Ok, m.R.Status));
            AssertMatchesModel(store, model);
        }).Check(Runs);
    }

    [Theory]
    [InlineData(FlushMode.Async)]
    [InlineData(FlushMode.GroupCommit)]
    public void TruncateAnywhere_ThenRestart_LeavesExactlyThePrefix(FlushMode mode)
    {
        Gen<(Op[], int)> gen = from ops in Gen.ArrayOf(OpGen).Where(o => o.Length > 0)
                               from cut in Gen.Choose(0, ops.Length)
                               select (ops, cut);
        Prop.ForAll(Arb.From(gen), ((Op[] Ops, int Cut) c) =>
        {
            using var dir = new TempDir();
            List<(Op Op, AppendResult R)> model;
            StoreSettings settings = Msg.Small(dir.Path, mode) with { IndexEntriesPerFile = 64 };
            using (MessageStore store = MessageStore.Open(settings))
            {
                model = AppendAll(store, c.Ops);
                long to = c.Cut == model.Count ? store.MaxPhysicalOffset : model[c.Cut].R.CommitLogOffset;
                store.TruncateTo(to);
                model = model.Take(c.Cut).ToList();
                AssertMatchesModel(store, model);
            }
            using (MessageStore store = MessageStore.Open(settings))
            {
                AssertMatchesModel(store, model);
                AppendResult extra = store.AppendOne(ToMessage(new Op(0, 10, 0, 0, 0), model.Count));
                Assert.Equal(model.Count(m => m.Op.Queue == 0), extra.QueueOffset);
            }
        }).Check(Runs);
    }
}
